import Foundation

/// STS's XML answers, built the way STS writes them, for scripted transports.
enum STSAnswers {
    /// The namespace of STS's answers.
    static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    /// A GetCallerIdentity answer.
    static func callerIdentity(
        account: String, arn: String? = nil, userID: String = "AIDAEXAMPLEUSERID"
    ) -> String {
        """
        <GetCallerIdentityResponse xmlns="\(namespace)">
          <GetCallerIdentityResult>
            <Arn>\(arn ?? "arn:aws:iam::\(account):user/ci")</Arn>
            <UserId>\(userID)</UserId>
            <Account>\(account)</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata><RequestId>sts-request-1</RequestId></ResponseMetadata>
        </GetCallerIdentityResponse>
        """
    }

    /// An AssumeRole answer with temporary credentials that expire at `expiration`.
    static func assumeRole(
        accessKeyID: String, secretAccessKey: String = "role-secret", sessionToken: String = "role-token",
        expiration: Date, assumedRoleARN: String = "arn:aws:sts::222222222222:assumed-role/Snapshotter/snapstep"
    ) -> String {
        let expires = expiration.formatted(Date.ISO8601FormatStyle())
        return """
            <AssumeRoleResponse xmlns="\(namespace)">
              <AssumeRoleResult>
                <AssumedRoleUser>
                  <Arn>\(assumedRoleARN)</Arn>
                  <AssumedRoleId>AROAEXAMPLE:snapstep</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>\(accessKeyID)</AccessKeyId>
                  <SecretAccessKey>\(secretAccessKey)</SecretAccessKey>
                  <SessionToken>\(sessionToken)</SessionToken>
                  <Expiration>\(expires)</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>sts-request-2</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """
    }

    /// STS's error envelope, with `RequestId` spelt with a lower-case d as STS does.
    static func error(
        code: String, message: String = "the test says no", type: String = "Sender", requestID: String = "sts-request-9"
    ) -> String {
        """
        <ErrorResponse xmlns="\(namespace)">
          <Error><Type>\(type)</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
          <RequestId>\(requestID)</RequestId>
        </ErrorResponse>
        """
    }
}
